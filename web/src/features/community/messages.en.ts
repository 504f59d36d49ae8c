// English texts of the community section (the i18n namespace `community`); messages.zh-CN.ts must have every key.

export default {
  nav: {
    community: 'Community',
  },
  soon: 'Forum threads, votes, accepted answers, moderation and feedback mining',
}
