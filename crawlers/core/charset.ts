import iconv from 'iconv-lite';

/** GBK and GB2312 pages routinely contain characters only GB18030 covers; it is a superset of both. */
function normalizeCharset(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lower = name
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (/^(gbk|gb2312|gb_2312(-80)?|x-gbk|cp936|euc-cn|gb18030)$/.test(lower)) return 'gb18030';
  if (lower === 'utf8') return 'utf-8';
  return iconv.encodingExists(lower) ? lower : undefined;
}

/**
 * The charset of a body: Content-Type, else `<meta charset>` / `<meta http-equiv … charset=>`,
 * else the XML declaration, else UTF-8.
 */
export function sniffCharset(bytes: Buffer, contentType = ''): string {
  const fromHeader = normalizeCharset(/charset\s*=\s*["']?([\w-]+)/i.exec(contentType)?.[1]);
  if (fromHeader) return fromHeader;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  const head = bytes.subarray(0, 4096).toString('latin1');
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head)?.[1];
  const fromMeta = normalizeCharset(meta);
  if (fromMeta) return fromMeta;
  const xml = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/i.exec(head)?.[1];
  return normalizeCharset(xml) ?? 'utf-8';
}

/** Decodes a response body to a string using the detected charset (BOM stripped). */
export function decodeBody(bytes: Buffer, contentType = ''): string {
  const charset = sniffCharset(bytes, contentType);
  const text = iconv.decode(bytes, charset);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
