import { createHash } from 'node:crypto';
import type { Mention } from '../lib/domain.js';

/** Masks personal data in one string (the analysis PII masker, injected: the store must not import analysis). */
export type MaskText = (text: string) => string;

/** Masks the query and fragment of a URL (`?phone=137…`); the path stays a working link. */
function maskUrl(url: string, mask: MaskText): string {
  const at = url.search(/[?#]/);
  return at < 0 ? url : url.slice(0, at) + mask(url.slice(at));
}

/** An author key holding personal data (RSS and news keys are display names) becomes a digest: still distinct per author. */
function maskKey(key: string, mask: MaskText): string {
  return mask(key) === key ? key : `pii:${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/**
 * Every crawled field that may carry personal data, masked: title, text (quoted and reposted text is part
 * of it), author name and verification reason, URL query, the complaint platforms' free-text fields.
 * Applied before a mention is first written, so the raw value never reaches the file, the index or a title.
 */
export function maskMention(m: Mention, mask: MaskText): Mention {
  const out: Mention = { ...m, text: mask(m.text), author: { ...m.author, key: maskKey(m.author.key, mask), name: mask(m.author.name) } };
  if (m.title !== undefined) out.title = mask(m.title);
  if (m.url !== undefined) out.url = maskUrl(m.url, mask);
  if (m.author.verifiedReason !== undefined) out.author.verifiedReason = mask(m.author.verifiedReason);
  if (m.complaint) {
    const c = { ...m.complaint };
    for (const k of ['target', 'appeal', 'issue', 'status'] as const) {
      const v = c[k];
      if (v !== undefined) c[k] = mask(v);
    }
    out.complaint = c;
  }
  return out;
}
