// 简体中文 texts of the partners section: every key of messages.en.ts (the type checker enforces it).

import type en from './messages.en'

export default {
  nav: {
    partners: '合作伙伴',
  },
  soon: '供应商、分销商与批发商，合作伙伴门户、共享订单与库存、评分卡',
  kind: '类型',
  allKinds: '全部类型',
  kinds: {
    supplier: '供应商',
    distributor: '分销商',
    wholesaler: '批发商',
    reseller: '经销商',
    carrier: '承运商',
  },
  name: '名称',
  country: '国家/地区',
  leadTime: '交货期（天）',
  active: '启用',
  inactive: '停用',
  pick: '选择一个合作伙伴查看评分卡',
  scorecard: '评分卡',
  lines: '订单行',
  shipped: '已发货',
  onTimeRate: '准时发货率',
  leadMedian: '交货期中位数（天）',
  leadP90: '交货期 P90（天）',
  returnRate: '退货率',
  defectRate: '次品率',
  revenue: '收入',
  margin: '毛利',
  products: '产品与品类',
  product: '产品',
  category: '品类 {id}',
  cost: '成本',
  stock: '库存',
  users: '门户用户',
  roles: {
    partner_admin: '合作伙伴管理员',
    partner_staff: '合作伙伴员工',
  },
  email: '电子邮件',
  role: '角色',
  contacts: '联系人',
} satisfies typeof en
