// English texts of staff notices (the i18n namespace `notices`); messages.zh-CN.ts must have every key.

export default {
  bell: 'Notices',
  title: 'Notices',
  empty: 'No notices yet. Follow a product on its feedback report to hear of its alerts.',
  markRead: 'Mark read',
  markAllRead: 'Mark all read',
  open: 'Open',
  follow: {
    follow: 'Follow alerts',
    following: 'Following alerts',
    hint: 'Get a notice and an e-mail when an issue of this product rises sharply or its negative feedback jumps',
    followed: 'You will hear of this product’s feedback alerts.',
    unfollowed: 'You no longer follow this product’s feedback alerts.',
    viaAll: 'You follow the alerts of every product',
    viaCategory: 'You follow the alerts of this product’s category',
  },
}
