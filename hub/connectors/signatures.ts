/**
 * Webhook signatures and the X CRC challenge. All comparisons are timing-safe: both sides are
 * hashed first so that unequal lengths take the same path as unequal contents.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** X Account Activity CRC: `sha256=` + base64(HMAC-SHA256(crc_token, consumer secret)). */
export function xCrcResponseToken(crcToken: string, consumerSecret: string): string {
  return 'sha256=' + createHmac('sha256', consumerSecret).update(crcToken, 'utf8').digest('base64');
}

/** X delivery signature (header x-twitter-webhooks-signature): `sha256=` + base64 HMAC of the raw body. */
export function xSignature(rawBody: Buffer | string, consumerSecret: string): string {
  return 'sha256=' + createHmac('sha256', consumerSecret).update(rawBody).digest('base64');
}

/** Meta delivery signature (header X-Hub-Signature-256): `sha256=` + hex HMAC of the raw body. */
export function metaSignature(rawBody: Buffer | string, appSecret: string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

export function timingSafeEqualStrings(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/** A header value as Node gives it; repeated headers (arrays) are refused, not guessed at. */
export function headerValue(h: string | string[] | undefined): string | null {
  return typeof h === 'string' && h.length > 0 ? h : null;
}
