// English texts of the service section (the i18n namespace `service`); messages.zh-CN.ts must have every key.

export default {
  nav: {
    service: 'Service',
  },
  soon: 'Interactions on every channel, tickets with SLAs, surveys, live chat',
}
