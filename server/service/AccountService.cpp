#include "AccountService.h"

#include "AccountRules.h"
#include "Ids.h"
#include "Names.h"
#include "ServiceError.h"
#include "crypto/Crypto.h"

namespace keydesk {

namespace {

// A name that must be present: a person's display name, an organization's name.
QString requiredName(FieldErrors &errors, const QString &field, const QString &raw)
{
    const NameCheck check = checkName(raw);
    if (!check.ok())
        errors.add(field, describe(check.problem));
    else if (check.normalized.isEmpty())
        errors.add(field, QStringLiteral("must not be empty"));
    return check.normalized;
}

void checkEmail(FieldErrors &errors, const QString &email)
{
    if (const QString problem = AccountRules::emailProblem(email); !problem.isEmpty())
        errors.add(QStringLiteral("email"), problem);
}

void checkPassword(FieldErrors &errors, const QString &password)
{
    if (const QString problem = AccountRules::passwordProblem(password); !problem.isEmpty())
        errors.add(QStringLiteral("password"), problem);
}

ServiceError emailTaken()
{
    return ServiceError(
        ErrorCode::emailTaken,
        QStringLiteral("An account with this email address exists already. Sign in instead."));
}

} // namespace

AccountService::AccountService(ServiceContext &context, AuditLog &audit, SessionService &sessions)
    : m_context(context)
    , m_audit(audit)
    , m_sessions(sessions)
{ }

SessionGrant AccountService::signUp(const SignUpRequest &request, const QString &address)
{
    if (!m_context.config.allowSignup) {
        throw ServiceError(
            ErrorCode::signupDisabled,
            QStringLiteral("Sign-up is disabled on this server. Ask its operator for an account."));
    }
    FieldErrors errors;
    const QString organizationName =
        requiredName(errors, QStringLiteral("organization_name"), request.organizationName);
    const QString name = requiredName(errors, QStringLiteral("name"), request.name);
    checkEmail(errors, request.email);
    checkPassword(errors, request.password);
    errors.throwIfAny();

    const QByteArray passwordHash =
        crypto::hashPassword(request.password.toUtf8(), m_context.config.passwordCost);
    const QDateTime now = m_context.now();
    Store &store = m_context.store;
    const User user = store.inTransaction([&] {
        const User created {newId(IdPrefix::user), name, request.email.trimmed()};
        if (!store.insertUser(created, passwordHash, now))
            throw emailTaken();
        const Organization organization {newId(IdPrefix::organization), organizationName, now};
        store.insertOrganization(organization);
        store.addMembership(organization.id, created.id, Role::Owner, now);
        m_audit.record(AuditAction::signup, created.id, organization.id, created.id, address);
        return created;
    });
    return m_sessions.open(user);
}

AccountService::AddedMember AccountService::addMember(const NewMemberRequest &request,
                                                      const std::function<QString()> &password,
                                                      const QString &address)
{
    FieldErrors errors;
    checkEmail(errors, request.email);
    errors.throwIfAny();
    Store &store = m_context.store;
    if (!store.organization(request.organizationId)) {
        throw ServiceError(
            ErrorCode::notFound,
            QStringLiteral("No organization with id %1.").arg(request.organizationId));
    }

    // Who is new is decided before the transaction, so that scrypt runs outside it; should
    // someone take the email in between, the insert below says so.
    std::optional<StoredUser> existing = store.userByEmail(request.email);
    QString name;
    QByteArray passwordHash;
    if (!existing) {
        name = requiredName(errors, QStringLiteral("name"), request.name);
        errors.throwIfAny();
        const QString secret = password();
        checkPassword(errors, secret);
        errors.throwIfAny();
        passwordHash = crypto::hashPassword(secret.toUtf8(), m_context.config.passwordCost);
    }

    const QDateTime now = m_context.now();
    return store.inTransaction([&] {
        AddedMember added;
        if (existing) {
            added.user = existing->user;
        } else {
            added.user = {newId(IdPrefix::user), name, request.email.trimmed()};
            if (!store.insertUser(added.user, passwordHash, now))
                throw emailTaken();
            added.created = true;
        }
        store.addMembership(request.organizationId, added.user.id, request.role, now);
        m_audit.record(AuditAction::membershipAdd, {}, request.organizationId, added.user.id,
                       address);
        return added;
    });
}

} // namespace keydesk
