#include "StrictJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace keydesk {

namespace {

class Scanner
{
public:
    Scanner(QByteArrayView text, int maxDepth)
        : m_text(text)
        , m_maxDepth(maxDepth)
    { }

    QString run()
    {
        skipSpace();
        if (!value(0))
            return m_error;
        skipSpace();
        if (m_pos != m_text.size())
            return fail("unexpected text after the JSON value") ? QString() : m_error;
        return {};
    }

private:
    bool fail(const char *what)
    {
        m_error = QStringLiteral("%1 at offset %2").arg(QLatin1String(what)).arg(m_pos);
        return false;
    }
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    void skipSpace()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++m_pos;
    }
    bool literal(QByteArrayView word)
    {
        if (m_text.sliced(m_pos).startsWith(word)) {
            m_pos += word.size();
            return true;
        }
        return fail("invalid literal");
    }
    bool digits()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && peek() >= '0' && peek() <= '9')
            ++m_pos;
        return m_pos > start || fail("a digit was expected");
    }
    bool number()
    {
        const qsizetype start = m_pos;
        if (peek() == '-')
            ++m_pos;
        if (peek() == '0') {
            ++m_pos;
        } else if (!digits()) {
            return false;
        }
        if (peek() == '.') {
            ++m_pos;
            if (!digits())
                return false;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            if (!digits())
                return false;
        }
        // Qt's parser, which runs next, refuses a number that a double cannot hold (1e999,
        // 1e-999): refuse it here, with a message that says so, rather than pass it on as valid.
        bool inRange = false;
        static_cast<void>(m_text.sliced(start, m_pos - start).toDouble(&inRange));
        if (!inRange) {
            m_pos = start;
            return fail("number out of range");
        }
        return true;
    }
    bool string()
    {
        ++m_pos; // opening quote
        while (!atEnd()) {
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20)
                return fail("a control character must be escaped inside a string");
            if (c == '\\') {
                ++m_pos;
                const char escape = peek();
                if (escape == 'u') {
                    for (int i = 1; i <= 4; ++i) {
                        const char h = m_pos + i < m_text.size() ? m_text[m_pos + i] : '\0';
                        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f')
                              || (h >= 'A' && h <= 'F')))
                            return fail("invalid \\u escape");
                    }
                    m_pos += 5;
                    continue;
                }
                if (QByteArrayView("\"\\/bfnrt").indexOf(escape) < 0 || escape == '\0')
                    return fail("invalid escape sequence");
            }
            ++m_pos;
        }
        return fail("unterminated string");
    }
    bool value(int depth)
    {
        if (depth > m_maxDepth)
            return fail("nesting is too deep");
        switch (peek()) {
        case '{':
            return container(depth, '}', true);
        case '[':
            return container(depth, ']', false);
        case '"':
            return string();
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
                return number();
            return fail(atEnd() ? "unexpected end of input" : "unexpected character");
        }
    }
    bool container(int depth, char close, bool isObject)
    {
        ++m_pos;
        skipSpace();
        if (peek() == close) {
            ++m_pos;
            return true;
        }
        QSet<QString> names; // of this object: a repeated member is ambiguous (DESIGN §3b)
        while (true) {
            skipSpace();
            if (isObject) {
                if (peek() != '"')
                    return fail("a member name was expected");
                const qsizetype nameStart = m_pos;
                if (!string())
                    return false;
                const QString name = memberName(m_text.sliced(nameStart, m_pos - nameStart));
                if (names.contains(name))
                    return fail("a member name appears twice in one object");
                names.insert(name);
                skipSpace();
                if (peek() != ':')
                    return fail("':' was expected");
                ++m_pos;
                skipSpace();
            }
            if (!value(depth + 1))
                return false;
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == close) {
                ++m_pos;
                return true;
            }
            return fail(isObject ? "',' or '}' was expected" : "',' or ']' was expected");
        }
    }

    // A member name as the application will see it: "n\u0061me" is "name".
    static QString memberName(QByteArrayView quoted)
    {
        const QByteArrayView inner = quoted.sliced(1, quoted.size() - 2);
        if (!inner.contains('\\'))
            return QString::fromUtf8(inner);
        return QJsonDocument::fromJson("[" + quoted.toByteArray() + "]").array().at(0).toString();
    }

    QByteArrayView m_text;
    int m_maxDepth;
    qsizetype m_pos = 0;
    QString m_error;
};

} // namespace

QString strictJsonError(QByteArrayView text, int maxDepth)
{
    return Scanner(text, maxDepth).run();
}

} // namespace keydesk
