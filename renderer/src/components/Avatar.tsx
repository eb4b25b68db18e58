/** A person: their picture when there is one, else initials on a colour that stays theirs. */
const HUES = [210, 340, 25, 150, 265, 190, 45, 300];

export function initialsOf(name: string): string {
  const words = name.replace(/^@/, '').split(/[\s._-]+/).filter((w) => /\p{L}|\p{N}/u.test(w));
  if (words.length === 0) return '?';
  const first = [...words[0]!][0]!;
  const last = words.length > 1 ? [...words[words.length - 1]!][0]! : '';
  return (first + last).toUpperCase();
}

function hueOf(key: string): number {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return HUES[h % HUES.length]!;
}

export function Avatar({ name, src, size = 28, id }: { name: string; src?: string | null; size?: number; id?: string }) {
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4), '--avatar-hue': hueOf(id ?? name) } as React.CSSProperties;
  if (src) return <img className="avatar" src={src} alt="" style={style} />;
  return <span className="avatar" aria-hidden="true" style={style}>{initialsOf(name)}</span>;
}
