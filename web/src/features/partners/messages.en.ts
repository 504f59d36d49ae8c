// English texts of the partners section (the i18n namespace `partners`); messages.zh-CN.ts must have every key.

export default {
  nav: {
    partners: 'Partners',
  },
  soon: 'Suppliers, distributors and wholesalers, their portal, shared orders and stock, scorecards',
}
