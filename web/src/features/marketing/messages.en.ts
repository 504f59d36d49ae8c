// English texts of the marketing section (the i18n namespace `marketing`); messages.zh-CN.ts must have every key.

export default {
  nav: {
    marketing: 'Marketing',
  },
  soon: 'Segments, automated flows, personal messages and their tracking',
}
