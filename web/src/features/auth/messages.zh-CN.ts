// 简体中文 texts of the sign-in page: every key of messages.en.ts (the type checker enforces it).

import type en from './messages.en'

export default {
  nav: {},
  title: '登录',
  subtitle: '使用员工账号登录',
  email: '电子邮箱',
  emailPlaceholder: "name{'@'}example.com",
  password: '密码',
  submit: '登录',
  tooManyAttempts: '尝试次数过多，请稍后再试。',
  emailRequired: '请输入电子邮箱',
  emailInvalid: '请输入有效的电子邮箱',
  passwordRequired: '请输入密码',
  failed: '登录失败',
  codeTitle: '两步验证登录',
  codeHint: '请输入身份验证器应用中的 6 位验证码，或您的一个恢复码。',
  code: '验证码',
  codeRequired: '请输入验证码',
  verify: '验证',
  back: '返回',
} satisfies typeof en
