#pragma once

// What the endpoint and router fuzzers share: a KeyDeskServer (the library the executable uses)
// on an in-memory SQLite database with a signed-up owner, a member, an organization with a live
// and a revoked key, and a second organization, so that fuzzed input gets past authentication
// to the validation behind it. Requests go straight to Router::dispatch (no socket).
//
// After every input the database is put back to the state it had after set-up (a snapshot in
// temporary tables), so that each input runs against the same data and a crash reproduces from
// its input alone.

#include "Clock.h"
#include "http/Http.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

namespace keydesk {
class KeyDeskServer;
}

namespace keydesk::fuzz {

struct Fixture
{
    QByteArray ownerToken;
    QByteArray memberToken; // a member (reads only) of the owner's organization
    QByteArray otherOwnerToken; // owner of another organization
    QString organizationId;
    QString otherOrganizationId;
    QString keyId; // live key of organizationId, created with idempotencyKey
    QByteArray keySecret;
    QString revokedKeyId; // revoked key of organizationId
    QString otherKeyId; // live key of otherOrganizationId
    QByteArray otherKeySecret;
    QByteArray idempotencyKey; // the one keyId was created with
    QString ownerEmail;
    QString ownerPassword;
};

// Set up once per process (LLVMFuzzerInitialize): Qt, the server and the data.
void initialize(int *argc, char ***argv);
const Fixture &fixture();

// Dispatches through the router, checks the invariants every answer must keep (aborting the
// process when one breaks, so that libFuzzer records the input), and restores the database.
http::Response dispatch(const http::Request &request);

// Aborts with a message: the fuzzer saves the input that led here.
[[noreturn]] void violation(const char *what, const http::Request &request,
                            const http::Response &response);

// Reads the fuzzer's input piece by piece.
class Input
{
public:
    Input(const uint8_t *data, size_t size)
        : m_data(reinterpret_cast<const char *>(data))
        , m_size(size)
    { }
    uint8_t byte()
    {
        if (m_pos >= m_size)
            return 0;
        return static_cast<uint8_t>(m_data[m_pos++]);
    }
    // Up to the next '\n' (not included), or the rest.
    QByteArray line()
    {
        size_t end = m_pos;
        while (end < m_size && m_data[end] != '\n')
            ++end;
        QByteArray result(m_data + m_pos, qsizetype(end - m_pos));
        m_pos = end < m_size ? end + 1 : end;
        return result;
    }
    QByteArray rest()
    {
        QByteArray result(m_data + m_pos, qsizetype(m_size - m_pos));
        m_pos = m_size;
        return result;
    }
    bool atEnd() const { return m_pos >= m_size; }

private:
    const char *m_data;
    size_t m_size;
    size_t m_pos = 0;
};

// "{org}", "{key}", … in fuzzed text become the fixture's ids and tokens, so that the fuzzer can
// reach real resources without guessing random ids.
QByteArray substitute(QByteArray text);

} // namespace keydesk::fuzz
