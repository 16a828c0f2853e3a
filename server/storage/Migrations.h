#pragma once

#include <QStringList>

#include <vector>

namespace keydesk {

// The schema, as an append-only list of versions. Never edit a released version: add one.
// Times are integers (milliseconds since the epoch, UTC) so that both databases sort and compare
// them the same way; ids are prefixed random strings.
struct Migration
{
    int version;
    const char *description;
    QStringList statements; // run on every database
    QStringList postgresqlStatements; // then these, on PostgreSQL only
};

const std::vector<Migration> &migrations();

} // namespace keydesk
