/** API tokens: yours (or, for admins, everyone's), making one (its secret shown once), revoking one. */
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { useCatalog } from '../catalog.ts';
import { btn } from '../components/Button.tsx';
import { Chip } from '../components/Chip.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorNote, Loading } from '../components/ErrorNote.tsx';
import { Choices, Field, fieldStyles } from '../components/Field.tsx';
import { layout, PageHead } from '../components/Page.tsx';
import { SecretOnce } from '../components/SecretOnce.tsx';
import { Badge } from '../components/StatusBadge.tsx';
import { Time } from '../components/Time.tsx';
import { fromLocalInput } from '../format.ts';
import { useResource, useTitle } from '../hooks.ts';
import { usePaged } from '../paging.ts';
import type { NewToken, Scope, Token } from '../types.ts';
import { useAction } from '../useAction.ts';
import table from '../components/DataTable.module.css';
import styles from './Tokens.module.css';

const SCOPES: { scope: Scope; label: string }[] = [
  { scope: 'read', label: 'read' },
  { scope: 'builds:write', label: 'builds:write' },
  { scope: 'deployments:write', label: 'deployments:write' },
  { scope: 'approvals:write', label: 'approvals:write' },
  { scope: 'admin', label: 'admin' },
];
/** What a team's CI token may have (unless an admin makes it). */
const TEAM_SCOPES: Scope[] = ['read', 'builds:write', 'deployments:write'];

function TokenForm({ admin, onCreated }: { admin: boolean; onCreated: (token: NewToken) => void }) {
  const teams = useCatalog('teams').data ?? [];
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [team, setTeam] = useState('');
  const [user, setUser] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const offered = SCOPES.filter((s) => admin || s.scope !== 'admin').map((s) => s.scope);

  const create = useAction(async () => {
    const token = await api.createToken({
      name: name.trim(),
      scopes,
      ...(team ? { team } : {}),
      ...(user.trim() ? { user: user.trim() } : {}),
      ...(expiresAt ? { expiresAt: fromLocalInput(expiresAt) } : {}),
    });
    setName('');
    setScopes(['read']);
    setTeam('');
    setUser('');
    setExpiresAt('');
    onCreated(token);
  });
  const server = create.fieldErrors;
  const scopeError = local.scopes ?? Object.entries(server).find(([k]) => k.startsWith('scopes'))?.[1];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!name.trim()) missing.name = 'Say what the token is for, e.g. "my laptop" or "payments CI".';
    if (scopes.length === 0) missing.scopes = 'Choose at least one scope.';
    if (team && !admin && scopes.some((s) => !TEAM_SCOPES.includes(s))) missing.scopes = `A team's token may have only ${TEAM_SCOPES.join(', ')}.`;
    if (team && user.trim()) missing.user = 'A token is either a team\'s or a person\'s, not both.';
    if (expiresAt && !fromLocalInput(expiresAt)) missing.expiresAt = 'Enter a valid date and time.';
    else if (expiresAt && new Date(fromLocalInput(expiresAt)).getTime() <= Date.now()) missing.expiresAt = 'The expiry must be in the future.';
    setLocal(missing);
    create.reset();
    if (Object.keys(missing).length === 0) void create.run();
  };

  return (
    <form className={`${layout.panel} ${styles.form}`} onSubmit={submit} noValidate aria-labelledby="token-form-title">
      <h2 id="token-form-title">Make a token</h2>
      <p className="muted small">A token of your own acts as you, limited to its scopes. A team&apos;s token is for its CI and belongs to nobody.</p>
      <Field label="Name" error={local.name ?? server.name}>
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. my laptop" maxLength={100} />
      </Field>
      <Choices
        legend="Scopes"
        options={offered}
        chosen={(s) => scopes.includes(s as Scope)}
        onToggle={(s, on) => setScopes((list) => offered.filter((x) => (x === s ? on : list.includes(x))))}
        error={scopeError}
      />
      <div className={fieldStyles.grid2}>
        <Field label="Team (optional)" error={local.team ?? server.team} hint="For a team's CI token.">
          <select value={team} onChange={(e) => setTeam(e.target.value)}>
            <option value="">None: my own token</option>
            {teams.map((t) => (
              <option key={t.name} value={t.name}>
                {t.title ?? t.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Expires at (optional)" error={local.expiresAt ?? server.expiresAt} hint="Leave empty: never.">
          <input type="datetime-local" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
        </Field>
      </div>
      {admin && (
        <Field label="For a person (optional)" error={local.user ?? server.user} hint="Admins: a token that acts as this person, for signing in without SSO.">
          <input type="text" value={user} onChange={(e) => setUser(e.target.value)} placeholder="e.g. alice" maxLength={200} />
        </Field>
      )}
      <ErrorNote error={create.error} />
      <button type="submit" className={btn('primary')} disabled={create.busy}>
        Make token
      </button>
    </form>
  );
}

/** The new token's secret, once. */
function Secret({ token, onDone }: { token: NewToken; onDone: () => void }) {
  return (
    <SecretOnce
      title={<>Token “{token.name}” made</>}
      warning={<>
        <strong>This is the only time you will see it.</strong> Copy the secret now and keep it somewhere safe: DCP keeps only its hash and cannot show it
        again. Send it as <code className="mono">Authorization: Bearer …</code>.
      </>}
      label="Secret"
      secret={token.token}
      testId="new-token"
      onDone={onDone}
    />
  );
}

function stateOf(t: Token, now: number): { label: string; tone: 'ok' | 'off' | 'bad' } {
  if (t.revokedAt) return { label: 'Revoked', tone: 'off' };
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= now) return { label: 'Expired', tone: 'off' };
  return { label: 'Active', tone: 'ok' };
}

export default function Tokens() {
  useTitle('Tokens');
  const session = useResource(() => api.session(), []);
  const admin = session.data?.role === 'admin';
  const tokens = usePaged((cursor, signal) => api.tokens(cursor, signal), []);
  const [created, setCreated] = useState<NewToken | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [now] = useState(() => Date.now());

  const revoke = useAction(async (token: Token) => {
    tokens.replace(await api.revokeToken(token.id));
    setRevoking(null);
  });

  return (
    <div className={layout.page}>
      <PageHead title="API tokens">
        Tokens sign in to this app and call the API. {admin ? 'As an admin you see everyone\'s.' : 'You see your own.'} A token&apos;s secret is shown once, when it is made.
      </PageHead>
      <div className={`${layout.columns} ${layout.aside}`}>
        <div>
          {created && <Secret token={created} onDone={() => setCreated(null)} />}
          <section aria-labelledby="tokens-title" className={layout.section}>
            <h2 id="tokens-title">Tokens</h2>
            <ErrorNote error={tokens.error} onRetry={tokens.reload} />
            {!tokens.loaded && !tokens.error && <Loading />}
            {tokens.loaded && tokens.items.length === 0 && <p className={layout.empty}>No tokens yet.</p>}
            {tokens.items.length > 0 && (
              <div className={table.scroll}>
                <table className={table.table}>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Scopes</th>
                      <th scope="col">Team</th>
                      <th scope="col">Owner</th>
                      <th scope="col">Created</th>
                      <th scope="col">Last used</th>
                      <th scope="col">Expires</th>
                      <th scope="col">State</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {tokens.items.map((t) => {
                      const state = stateOf(t, now);
                      return (
                        <tr key={t.id} data-testid="token" className={t.revokedAt ? styles.revoked : undefined}>
                          <th scope="row" className={styles.name}>
                            {t.name}
                            {t.bootstrap && <span className="muted small"> (first start)</span>}
                          </th>
                          <td>
                            <span className={styles.chips}>
                              {t.scopes.map((s) => (
                                <Chip key={s}>{s}</Chip>
                              ))}
                            </span>
                          </td>
                          <td>{t.team ?? <span className="muted">—</span>}</td>
                          <td>{t.owner ?? <span className="muted" title="A token of nobody (a team's, or DCP's own)">nobody</span>}</td>
                          <td>
                            <Time iso={t.createdAt} />
                            {t.createdBy && t.createdBy !== t.owner && <div className="muted small">by {t.createdBy}</div>}
                          </td>
                          <td>{t.lastUsedAt ? <Time iso={t.lastUsedAt} /> : <span className="muted">never</span>}</td>
                          <td>{t.expiresAt ? <Time iso={t.expiresAt} /> : <span className="muted">never</span>}</td>
                          <td>
                            <Badge tone={state.tone} testId="token-state">
                              {state.label}
                            </Badge>
                            {t.revokedAt && (
                              <div className="muted small">
                                <Time iso={t.revokedAt} />
                              </div>
                            )}
                          </td>
                          <td>
                            {!t.revokedAt && (
                              <button type="button" className={btn('danger', 'small')} onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
                                Revoke
                              </button>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
            <ErrorNote error={tokens.more.error} />
            {tokens.hasMore && (
              <button type="button" className={`${btn()} ${styles.more}`} onClick={() => void tokens.more.run()} disabled={tokens.more.busy}>
                {tokens.more.busy ? 'Loading…' : 'Load more'}
              </button>
            )}
          </section>
        </div>
        {session.data && (
          <TokenForm
            admin={admin}
            onCreated={(token) => {
              setCreated(token);
              tokens.reload();
            }}
          />
        )}
      </div>
      {revoking && (
        <Dialog
          title={`Revoke “${revoking.name}”?`}
          onClose={() => {
            setRevoking(null);
            revoke.reset();
          }}
          actions={
            <>
              <button type="button" className={btn()} onClick={() => setRevoking(null)}>
                Keep token
              </button>
              <button type="button" className={btn('dangerSolid')} onClick={() => void revoke.run(revoking)} disabled={revoke.busy}>
                Revoke token
              </button>
            </>
          }
        >
          <p>
            The token stops working at once: every call with it is refused, and sessions signed in with it end. This cannot be undone; make a new token if
            you need one.
          </p>
          <ErrorNote error={revoke.error} />
        </Dialog>
      )}
    </div>
  );
}
