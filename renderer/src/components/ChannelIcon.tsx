/**
 * One recognisable mark per channel: the brands' own (X, Facebook, Messenger for Facebook's
 * private messages, Instagram, Reddit, YouTube; paths from simple-icons, CC0) and lucide icons
 * for the rest (feeds, reviews, forums, e-mail). Always with a name for screen readers and a
 * tooltip, never an emoji (an emoji renders as an empty box where no emoji font is installed).
 */
import { FlaskConical, Mail, MessagesSquare, Rss, Star } from 'lucide-react';
import { siFacebook, siInstagram, siMessenger, siReddit, siX, siYoutube } from 'simple-icons';
import type { Channel, Visibility } from '../../../shared/domain';
import { CHANNEL_LABEL } from '../app/format';

const BRAND = { x: siX, facebook: siFacebook, messenger: siMessenger, instagram: siInstagram, reddit: siReddit, youtube: siYoutube } as const;
const OTHER = { rss: Rss, review: Star, forum: MessagesSquare, email: Mail, sandbox: FlaskConical } as const;

/** Facebook's private messages are Messenger to the customer: say so. */
export function channelName(channel: Channel, visibility?: Visibility): string {
  return channel === 'facebook' && visibility === 'private' ? 'Messenger' : CHANNEL_LABEL[channel] ?? channel;
}

export function ChannelIcon({ channel, visibility, size = 14, labelled = true }: { channel: Channel; visibility?: Visibility; size?: number; labelled?: boolean }) {
  const name = channelName(channel, visibility);
  const a11y = labelled ? { role: 'img', 'aria-label': name } : { 'aria-hidden': true };
  const key = channel === 'facebook' && visibility === 'private' ? 'messenger' : channel;
  const brand = (BRAND as Record<string, { path: string }>)[key];
  if (brand) {
    return (
      <svg className={`chan-icon chan-${key}`} viewBox="0 0 24 24" width={size} height={size} fill="currentColor" {...a11y}>
        {labelled && <title>{name}</title>}
        <path d={brand.path} />
      </svg>
    );
  }
  const Icon = (OTHER as Record<string, typeof Rss>)[channel] ?? Rss;
  return <span className={`chan-icon chan-${channel}`} title={labelled ? name : undefined} {...a11y}><Icon size={size} aria-hidden="true" /></span>;
}
