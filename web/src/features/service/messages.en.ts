// English texts of the service section (the i18n namespace `service`); messages.zh-CN.ts must have every key.

export default {
  nav: {
    service: 'Service',
    chat: 'Live chat',
  },
  chat: {
    title: 'Live chat',
    subtitle: 'Visitors of the shop chatting with the team, routed to whoever is available',
    available: 'Available',
    away: 'Away',
    connecting: 'Connecting…',
    connected: 'Connected',
    disconnected: 'Disconnected, reconnecting…',
    conversations: 'Conversations',
    none: 'No conversations. Set yourself available to receive chats.',
    pick: 'Pick a conversation',
    visitor: 'Visitor #{id}',
    left: 'Left the page',
    customer: 'Customer record',
    typing: 'Visitor is typing…',
    reply: 'Type a reply (Enter to send, Shift+Enter for a new line)',
    send: 'Send',
    close: 'End chat',
    closed: 'The chat with {name} ended; its transcript is on the customer record.',
    you: 'You',
    read: 'Read',
    capacity: 'Up to {n} chats at once',
  },
}
