// The mail the test SMTP server received (tests/scripts/smtp_server.py writes one JSON record per
// message to ECRM_SMTP_OUT), for the tests that follow mail to its recipient: the portal's
// sign-in links, the service desk's replies.

import { readFileSync } from 'node:fs'
import { eventually } from './browser.mjs'

export const mailUrl = process.env.ECRM_MAIL_URL?.replace(/\/+$/, '')
export const smtpOut = process.env.ECRM_SMTP_OUT

/** The decoded text parts of every mail the SMTP server received for `address`. */
export function mailTextsTo(address) {
  let lines = []
  try {
    lines = readFileSync(smtpOut, 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
  const texts = []
  for (const record of lines.map((line) => JSON.parse(line))) {
    if (!record.rcpt_tos.includes(address)) continue
    for (const part of record.data.split(/\r?\n--/)) {
      const [head, ...body] = part.split(/\r?\n\r?\n/)
      if (!/content-type:\s*text\/plain/i.test(head)) continue
      const raw = body.join('\n\n')
      texts.push(/content-transfer-encoding:\s*base64/i.test(head) ? Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('utf8') : raw)
    }
  }
  return texts
}

/** The path and query of the newest sign-in link mailed to `address`, once `count` arrived. */
export async function mailedLink(address, count) {
  let links = []
  await eventually(
    async () => {
      links = mailTextsTo(address)
        .map((text) => text.match(/https?:\/\/\S+?(\/portal\/sign-in\?token=[A-Za-z0-9_-]+)/))
        .filter(Boolean)
        .map((m) => m[1])
      return links.length >= count
    },
    `sign-in mail number ${count} to ${address}`,
    30_000,
  )
  return links[links.length - 1]
}
