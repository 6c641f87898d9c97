/** Sign-in: a user name and password (HTTP Basic) or a bearer token, checked against the registry before it is kept. */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { loadCredentials, saveCredentials, type Credentials } from '../auth';
import { describeError } from '../components';

export function SignIn({ reason, onSignedIn }: { reason: string; onSignedIn: () => void }) {
  const [kind, setKind] = useState<'basic' | 'bearer'>('basic');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const credentials: Credentials = kind === 'basic' ? { kind, user, password } : { kind, token: token.trim() };
    const previous = loadCredentials();
    saveCredentials(credentials);
    setBusy(true);
    try {
      await api('GET', 'v1/metadata/version');
      setError(undefined);
      onSignedIn();
    } catch (err) {
      saveCredentials(previous);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to the registry</h1>
      <p class="muted">The registry answered: {reason}</p>
      <form onSubmit={(e) => void submit(e)}>
        <fieldset class="field toggle">
          <legend>With</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'basic'} onChange={() => setKind('basic')} /> User name and password
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'bearer'} onChange={() => setKind('bearer')} /> Bearer token (JWT)
          </label>
        </fieldset>
        {kind === 'basic' ? (
          <>
            <label class="field">
              User name
              <input name="user" value={user} onInput={(e) => setUser(e.currentTarget.value)} autoComplete="username" required autoFocus />
            </label>
            <label class="field">
              Password
              <input name="password" type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" required />
            </label>
          </>
        ) : (
          <label class="field">
            Token
            <textarea name="token" rows={4} value={token} onInput={(e) => setToken(e.currentTarget.value)} spellcheck={false} required />
          </label>
        )}
        <p class="muted">Kept in this tab only (session storage) and sent with each API call; gone when the tab closes or you sign out.</p>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Sign in
          </button>
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
