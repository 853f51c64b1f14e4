import { useState } from 'preact/hooks';
import { signedOutBecause, signIn } from '../api';
import { ErrorBox } from '../ui';

/**
 * Account id + license key, or username + password. Checked by the API (GET /whoami); kept only in
 * this page's memory, so a reload or a closed tab signs out.
 */
export function SignIn() {
  const [mode, setMode] = useState<'user' | 'key'>('user');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(name.trim(), secret);
      setSecret('');
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const choose = (next: 'user' | 'key') => {
    setMode(next);
    setName('');
    setSecret('');
    setError(undefined);
  };

  return (
    <main class="signin">
      <h1>tax-ledger console</h1>
      <p class="meta">For the tax team: documents, their audit trail, filing periods, the liability worksheet and reconciliation.</p>
      <form onSubmit={submit} aria-label="Sign in">
        <fieldset class="mode">
          <legend>Sign in with</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'user'} onChange={() => choose('user')} /> Username and password
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'key'} onChange={() => choose('key')} /> Account id and license key
          </label>
        </fieldset>
        <label class="field">
          {mode === 'user' ? 'Username' : 'Account id'}
          <input name="name" autocomplete={mode === 'user' ? 'username' : 'off'} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          {mode === 'user' ? 'Password' : 'License key'}
          <input name="secret" type="password" autocomplete={mode === 'user' ? 'current-password' : 'off'} required value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        </label>
        {!error && signedOutBecause() && (
          <p class="notice" role="status">
            {signedOutBecause()}
          </p>
        )}
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="meta">The credential stays in this tab's memory only: reloading the page or closing the tab signs you out, and so do 30 minutes without activity.</p>
      </form>
    </main>
  );
}
