#pragma once

#include "ServerConfig.h"
#include "UsageRecorder.h"
#include "api/ApiContext.h"
#include "http/HttpFrontend.h"
#include "http/Router.h"
#include "storage/Store.h"

#include <QObject>

#include <memory>

namespace keydesk {

// One keydesk-server: its database, its routes and its HTTP front. Used by the executable and,
// the same way, by the tests (which start it on port 0 with a temporary database).
class KeyDeskServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyDeskServer)
public:
    // Opens the database and migrates it. Throws StoreError when that fails.
    explicit KeyDeskServer(const ServerConfig &config, QObject *parent = nullptr);
    ~KeyDeskServer() override;

    // Starts accepting connections; returns the bound port, or 0 with a message in `error`.
    quint16 listen(QString *error);

    const ServerConfig &config() const { return m_config; }
    Store &store() { return *m_store; }
    const http::Router &router() const { return m_router; }
    UsageRecorder &usage() { return *m_usage; }

private:
    ServerConfig m_config;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<ApiContext> m_context;
    http::Router m_router;
    http::HttpFrontend *m_frontend = nullptr;
};

} // namespace keydesk
