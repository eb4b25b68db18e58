/**
 * Feed bytes → text, with the charset the feed says it has: a byte-order mark first, then the HTTP
 * Content-Type charset (RFC 7303), then the XML declaration's encoding, else UTF-8. A header that
 * claims UTF-8 for bytes that are not (a common server default over a Windows-1252 file) yields to the
 * declaration, or to Windows-1252, with a note. Whatever comes before the first `<` (a BOM,
 * whitespace, blank lines) is dropped: XML allows nothing before the declaration, feeds often have it.
 */

export interface DecodedFeed {
  text: string;
  /** the encoding the bytes were read as (WHATWG name) */
  encoding: string;
  /** set when the bytes did not agree with what they claimed */
  note: string | null;
}

type Decoder = { encoding: string; decode(bytes: Uint8Array): string };

// Windows-1252's 0x80–0x9F (WHATWG, which also reads ISO-8859-1 and US-ASCII labels this way).
// Node's TextDecoder('windows-1252') maps those bytes to C1 controls instead, losing € “ ” – ’.
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const windows1252: Decoder = {
  encoding: 'windows-1252',
  decode(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      const chunk = bytes.subarray(i, i + 8192);
      out += String.fromCharCode(...Array.from(chunk, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charCodeAt(b - 0x80) : b)));
    }
    return out;
  },
};

function decoderFor(label: string | null | undefined, fatal = false): Decoder | null {
  if (!label) return null;
  let d: InstanceType<typeof TextDecoder>;
  try {
    d = new TextDecoder(label.trim().replace(/^["']|["']$/g, ''), { fatal });
  } catch {
    return null; // an unknown label
  }
  return d.encoding === 'windows-1252' ? windows1252 : d;
}

function charsetFromContentType(ct: string | null | undefined): string | null {
  const m = ct ? /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(ct) : null;
  return m ? m[2] : null;
}

function charsetFromDeclaration(bytes: Uint8Array): string | null {
  // the declaration is ASCII in every encoding a feed uses: read the start as Latin-1
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).replace(/^[\s\u00ef\u00bb\u00bf]+/, '');
  const m = /^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m ? m[1] : null;
}

export function decodeFeedBytes(bytes: Uint8Array, contentType?: string | null): DecodedFeed {
  let encoding: string;
  let text: string;
  let note: string | null = null;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'utf-8';
    text = new TextDecoder('utf-8').decode(bytes.subarray(3));
  } else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    text = new TextDecoder(encoding).decode(bytes.subarray(2));
  } else {
    const header = charsetFromContentType(contentType);
    const declared = charsetFromDeclaration(bytes);
    let chosen: Decoder = decoderFor(header) ?? decoderFor(declared) ?? new TextDecoder('utf-8');
    if (header && !decoderFor(header)) note = `unknown charset "${header}" in Content-Type`;
    if (chosen.encoding === 'utf-8') {
      const strict = decoderFor('utf-8', true)!;
      try {
        text = strict.decode(bytes);
      } catch {
        // claimed (or assumed) UTF-8, but it is not: the declaration if it names something else, else Windows-1252
        const fallback = declared && decoderFor(declared) && decoderFor(declared)!.encoding !== 'utf-8' ? decoderFor(declared)! : windows1252;
        note = `${header ? `Content-Type says ${header}` : 'no charset given'} but the bytes are not UTF-8: read as ${fallback.encoding}`;
        chosen = fallback;
        text = fallback.decode(bytes);
      }
    } else {
      text = chosen.decode(bytes);
    }
    encoding = chosen.encoding;
  }
  // a BOM decoded as text (e.g. one inside a Latin-1 declared file) and anything else before the first tag
  const start = text.indexOf('<');
  if (start > 0 && /^[\s\ufeff\u00ef\u00bb\u00bf]*$/.test(text.slice(0, start))) text = text.slice(start);
  else if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, encoding, note };
}
