// English texts of the search box in the header (the i18n namespace `search`); messages.zh-CN.ts must have every key.

export default {
  placeholder: 'Search customers, orders, products',
  label: 'Search',
  shortcut: 'Press / or Ctrl+K to search',
  groups: {
    customers: 'Customers',
    orders: 'Orders',
    products: 'Products',
  },
  /** Label of a field that matched, when it is not in the hit's title or subtitle. */
  fields: {
    name: 'Name',
    email: 'E-mail',
    phone: 'Phone',
    company: 'Company',
    external_id: 'External ID',
    tags: 'Tag',
    line: 'Product line',
    customer: 'Customer',
    sku: 'SKU',
    brand: 'Brand',
    category: 'Category',
  },
  more: 'more match than shown',
  seeAllCustomers: 'See all customers matching “{q}”',
  searching: 'Searching…',
  noMatches: 'Nothing matches “{q}”',
  failed: 'The search failed: {message}',
  keys: '↑ ↓ to move · Enter to open · Esc to close',
}
