#pragma once

#include "AuditLog.h"
#include "ServiceContext.h"
#include "SessionService.h"

#include <functional>

namespace keydesk {

struct SignUpRequest
{
    QString organizationName;
    QString name;
    QString email;
    QString password;
};

struct NewMemberRequest
{
    QString organizationId;
    QString email;
    QString name; // required for a new user
    Role role = Role::Member;
};

// Accounts: sign-up (an organization with its first owner) and adding people to organizations
// (`keydesk-server user add`, and the tests). One rule for emails and passwords (AccountRules).
class AccountService final
{
public:
    AccountService(ServiceContext &context, AuditLog &audit, SessionService &sessions);

    // POST /v1/signup. Throws ServiceError signup_disabled, validation_failed (every field's
    // problem at once) or email_taken. Runs scrypt: call it on a worker thread.
    SessionGrant signUp(const SignUpRequest &request, const QString &address);

    // Adds a user to an organization, creating the user when the email is new; an existing user
    // keeps their password and gets `role`. `password` is asked only for a new user. One
    // transaction; the password is hashed before it starts, so that the write lock is never held
    // for scrypt. Throws ServiceError not_found (organization) or validation_failed.
    struct AddedMember
    {
        User user;
        bool created = false;
    };
    AddedMember addMember(const NewMemberRequest &request, const std::function<QString()> &password,
                          const QString &address);

private:
    ServiceContext &m_context;
    AuditLog &m_audit;
    SessionService &m_sessions;
};

} // namespace keydesk
