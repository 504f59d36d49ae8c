// English texts of the sign-in page (the i18n namespace `auth`); messages.zh-CN.ts must have every key.

export default {
  nav: {},
  title: 'Sign in',
  subtitle: 'Sign in with your staff account',
  email: 'E-mail',
  emailPlaceholder: "name{'@'}example.com",
  password: 'Password',
  submit: 'Sign in',
  tooManyAttempts: 'Too many attempts. Please wait a moment and try again.',
  emailRequired: 'Enter your e-mail address',
  emailInvalid: 'Enter a valid e-mail address',
  passwordRequired: 'Enter your password',
  failed: 'Sign-in failed',
  codeTitle: 'Two-factor sign-in',
  codeHint: 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.',
  code: 'Code',
  codeRequired: 'Enter the code',
  verify: 'Verify',
  back: 'Back',
}
