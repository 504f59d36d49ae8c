// The live chat's HTTP side: the visitor's and the agent's WebSocket endpoints, the widget
// script (/chat.js) and the chat's figures for staff.
#pragma once

#include <functional>
#include <string>

#include "core/result.hpp"
#include "http/router.hpp"
#include "service/chat.hpp"
#include "service/chat_store.hpp"

namespace ecrm::service::chat {

// `resolve_write_key` answers OK for a live write key of the tracking snippet (the visitor's
// socket is opened with one, like the snippet's events).
void add_chat_routes(http::Router& router, ChatService& chat, DbChatStore& store,
                     std::function<Status(const std::string&)> resolve_write_key);

// The widget's script, compiled in from src/service/chat.js.
std::string_view chat_widget();

}  // namespace ecrm::service::chat
