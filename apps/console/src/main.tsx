import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, getJson, onSessionChange, signOut, type Session } from './api';
import { currentPeriod, ROLE_NAMES } from './format';
import { DocumentPage } from './pages/document';
import { LiabilityPage } from './pages/liability';
import { PeriodsPage } from './pages/periods';
import { ReconciliationPage } from './pages/reconciliation';
import { SetupPage } from './pages/setup';
import { SignIn } from './pages/sign-in';
import { TransactionsPage } from './pages/transactions';
import { go, href, useRoute } from './router';
import { ErrorBox, Loading, useLoad } from './ui';
import './style.css';

/** Signed out after this long without a click or a key press (the credential is dropped from memory). */
const IDLE_SIGN_OUT_MS = 30 * 60_000;

interface Company {
  companyCode: string;
  companyName: string;
}

function useSession(): Session | null {
  const [session, setSession] = useState(currentSession());
  useEffect(() => onSessionChange(setSession), []);
  return session;
}

function useIdleSignOut(active: boolean) {
  useEffect(() => {
    if (!active) return;
    let last = Date.now();
    const touch = () => (last = Date.now());
    addEventListener('pointerdown', touch);
    addEventListener('keydown', touch);
    const timer = setInterval(() => Date.now() - last > IDLE_SIGN_OUT_MS && signOut(), 30_000);
    return () => {
      removeEventListener('pointerdown', touch);
      removeEventListener('keydown', touch);
      clearInterval(timer);
    };
  }, [active]);
}

const PAGES = [
  ['transactions', 'Transactions'],
  ['periods', 'Filing periods'],
  ['liability', 'Liability worksheet'],
  ['reconciliation', 'Reconciliation'],
  ['setup', 'Company setup'],
] as const;

function App() {
  const session = useSession();
  useIdleSignOut(session !== null);
  if (!session) return <SignIn />;
  return <SignedIn session={session} />;
}

function SignedIn({ session }: { session: Session }) {
  const route = useRoute();
  const companies = useLoad(() => getJson<{ value: Company[] }>('/companies').then((r) => r.value), [session]);
  const [page = 'transactions', routeCompany] = route.segments;
  const company = routeCompany ?? companies.data?.[0]?.companyCode;
  const period = (page === 'liability' || page === 'reconciliation') && /^\d{4}-\d{2}$/.test(route.segments[2] ?? '') ? route.segments[2] : currentPeriod();

  const linkTo = (target: string) => (target === 'liability' || target === 'reconciliation' ? href([target, company ?? '', period]) : href([target, company ?? '']));

  let content;
  if (companies.error) content = <ErrorBox error={companies.error} />;
  else if (!company) content = companies.loading ? <Loading what="companies" /> : <p>This account has no company yet.</p>;
  else if (page === 'document') content = <DocumentPage session={session} company={company} type={route.segments[2]} code={route.segments[3]} />;
  else if (page === 'periods') content = <PeriodsPage session={session} company={company} params={route.params} />;
  else if (page === 'liability') content = <LiabilityPage company={company} period={period} region={route.params.get('region') ?? ''} />;
  else if (page === 'reconciliation') content = <ReconciliationPage company={company} period={period} region={route.params.get('region') ?? ''} />;
  else if (page === 'setup') content = <SetupPage session={session} company={company} />;
  else content = <TransactionsPage company={company} params={route.params} />;

  return (
    <div class="shell">
      <header class="top">
        <span class="brand">tax-ledger</span>
        <label class="company">
          Company{' '}
          <select
            aria-label="Company"
            value={company}
            onChange={(e) => go([page === 'document' ? 'transactions' : page, e.currentTarget.value, ...(page === 'liability' || page === 'reconciliation' ? [period] : [])])}
          >
            {(companies.data ?? []).map((c) => (
              <option key={c.companyCode} value={c.companyCode}>
                {c.companyName === c.companyCode ? c.companyCode : `${c.companyName} (${c.companyCode})`}
              </option>
            ))}
          </select>
        </label>
        <nav>
          {PAGES.map(([target, label]) => (
            <a key={target} href={linkTo(target)} class={page === target || (page === 'document' && target === 'transactions') ? 'current' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who" data-role={session.role}>
          {session.username ?? `license key ${session.credentialId.slice(0, 8)}…`} · {ROLE_NAMES[session.role] ?? session.role} · account <code>{session.accountId}</code>
        </span>
        <button type="button" class="signout" onClick={() => (signOut(), (location.hash = ''))}>
          Sign out
        </button>
      </header>
      <main>{content}</main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
