/** About, in Settings: what this is, and where this desktop keeps your session (said plainly when it is not encrypted). */
import { useSession } from '../api/queries';

export function AboutSection() {
  const storage = useSession().data?.token_storage;
  return (
    <section aria-label="About">
      <h3>About</h3>
      <p>Tend, an open-source social customer care workstation.</p>
      {storage && <p>{storage.detail} Signing out deletes it.</p>}
    </section>
  );
}
