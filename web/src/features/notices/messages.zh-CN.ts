// 员工通知的中文文本（i18n 命名空间 `notices`），与 messages.en.ts 的键一一对应。

export default {
  bell: '通知',
  title: '通知',
  empty: '暂无通知。在商品的反馈报告页关注商品，即可收到它的预警。',
  markRead: '标为已读',
  markAllRead: '全部标为已读',
  open: '查看',
  follow: {
    follow: '关注预警',
    following: '已关注预警',
    hint: '当该商品的某个问题急剧上升或负面反馈比例跃升时，发送站内通知和邮件给我',
    followed: '您将收到该商品的反馈预警。',
    unfollowed: '您已取消关注该商品的反馈预警。',
    viaAll: '您已关注所有商品的预警',
    viaCategory: '您已关注该商品所在分类的预警',
  },
}
