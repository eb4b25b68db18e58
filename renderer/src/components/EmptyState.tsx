/** What an empty place says: what it is, and what to do next. */
import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';

export function EmptyState({ icon: Icon, title, children }: { icon: LucideIcon; title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <Icon size={28} aria-hidden="true" className="empty-icon" />
      <p className="empty-title">{title}</p>
      {children && <p className="empty-hint">{children}</p>}
    </div>
  );
}
