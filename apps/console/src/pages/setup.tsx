import { useState } from 'preact/hooks';
import { getJson, path, postJson, query, remove, signOut, type Role, type Session } from '../api';
import { ROLE_NAMES, utc } from '../format';
import { ConfirmDialog, ErrorBox, Loading, useLoad } from '../ui';

interface Recordset<T> {
  value: T[];
}
interface Company {
  companyCode: string;
  companyName: string;
  companyId: number;
  defaultCurrency: string;
  strictCoverage: boolean;
  fallbackItemCode: string | null;
  createdDate: string;
}
interface Location {
  id: number;
  locationCode: string;
  description: string | null;
  address: { line1?: string; city?: string; region?: string; postalCode?: string; country?: string };
}
interface Nexus {
  id: number;
  country: string;
  region: string;
  jurisTypeId: string;
  jurisCode: string;
  jurisName: string;
  nexusTypeId: string;
  hasLocalNexus: boolean;
  effectiveDate: string | null;
  endDate: string | null;
}
interface Item {
  itemCode: string;
  taxCode: string;
  description?: string | null;
}
interface Certificate {
  certificateId: string;
  customerCode: string;
  regions: { country: string; region: string }[];
  exemptionReason?: string;
  entityUseCode?: string;
  effectiveDate: string;
  expirationDate?: string | null;
}
interface FilingFrequency {
  country: string;
  region: string;
  filingFrequency: string;
  effectiveDate: string;
}
interface LicenseKey {
  credentialId: string;
  role: Role;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
  active: boolean;
}

/** The company's tax setup at a glance, and (for account admins) the account's license keys. */
export function SetupPage({ session, company }: { session: Session; company: string }) {
  const q = query({ companyCode: company });
  const setup = useLoad(
    () =>
      Promise.all([
        getJson<Company>(path('companies', company)),
        getJson<Recordset<Location>>(`/locations${q}`),
        getJson<Recordset<Nexus>>(`/nexus${q}`),
        getJson<Recordset<Item> & { fallbackItemCode: string | null }>(`/items${q}`),
        getJson<Recordset<Certificate>>(`/certificates${q}`),
        getJson<Recordset<FilingFrequency>>(`/filingCalendar${q}`),
      ]),
    [company],
  );
  if (setup.error) return <ErrorBox error={setup.error} />;
  if (!setup.data) return <Loading what="the company setup" />;
  const [c, locations, nexus, items, certificates, calendar] = setup.data;
  return (
    <section class="setup">
      <h1>
        {c.companyName} <span class="meta">({c.companyCode}, id {c.companyId})</span>
      </h1>
      <dl class="facts">
        <dt>Default currency</dt>
        <dd>{c.defaultCurrency}</dd>
        <dt>Strict coverage</dt>
        <dd>{c.strictCoverage ? 'on: documents content does not cover are refused' : 'off: recorded with coverage messages'}</dd>
        <dt>Fallback item</dt>
        <dd>{c.fallbackItemCode ?? 'none'}</dd>
        <dt>Created</dt>
        <dd>{utc(c.createdDate)}</dd>
      </dl>

      <h2>Locations ({locations.value.length})</h2>
      <Table
        label="Locations"
        head={['Code', 'Description', 'Address']}
        rows={locations.value.map((l) => [l.locationCode, l.description ?? '', [l.address.line1, l.address.city, l.address.region, l.address.postalCode, l.address.country].filter(Boolean).join(', ')])}
      />

      <h2>Nexus ({nexus.value.length})</h2>
      <Table
        label="Nexus"
        head={['Jurisdiction', 'Type', 'Region', 'Nexus type', 'Local nexus', 'From', 'To']}
        rows={nexus.value.map((n) => [`${n.jurisName} (${n.jurisCode})`, n.jurisTypeId, `${n.country}-${n.region}`, n.nexusTypeId, n.hasLocalNexus ? 'yes' : 'no', n.effectiveDate ?? 'always', n.endDate ?? 'open'])}
      />
      {nexus.value.length === 0 && <p class="meta">No nexus declared: the engine collects wherever content has a rate.</p>}

      <h2>Items ({items.value.length})</h2>
      <Table label="Items" head={['Item code', 'Tax code', 'Description', 'Fallback']} rows={items.value.map((i) => [i.itemCode, i.taxCode, i.description ?? '', i.itemCode === items.fallbackItemCode ? 'yes' : ''])} />

      <h2>Exemption certificates ({certificates.value.length})</h2>
      <Table
        label="Certificates"
        head={['Certificate', 'Customer', 'Regions', 'Reason / entity use', 'From', 'Until']}
        rows={certificates.value.map((x) => [x.certificateId, x.customerCode, x.regions.map((r) => `${r.country}-${r.region}`).join(', '), x.exemptionReason ?? x.entityUseCode ?? '', x.effectiveDate, x.expirationDate ?? 'open'])}
      />

      <h2>Filing calendar ({calendar.value.length})</h2>
      <Table label="Filing calendar" head={['Region', 'Frequency', 'From']} rows={calendar.value.map((f) => [`${f.country}-${f.region}`, f.filingFrequency, f.effectiveDate])} />

      {session.may.manageAccount ? <LicenseKeys session={session} /> : <p class="meta">License keys are managed by an account admin.</p>}
    </section>
  );
}

function Table({ label, head, rows }: { label: string; head: string[]; rows: string[][] }) {
  if (rows.length === 0) return <p class="empty">None.</p>;
  return (
    <table class="list" aria-label={label}>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} class="t">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((cell, j) => (
              <td key={j} class="t">
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The account's keys: create one (shown once, here, until dismissed) and revoke. */
function LicenseKeys({ session }: { session: Session }) {
  const keys = useLoad(() => getJson<Recordset<LicenseKey>>('/licenseKeys').then((r) => r.value), []);
  const [role, setRole] = useState<Role>('api_user');
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<{ credentialId: string; licenseKey: string; role: Role }>();
  const [error, setError] = useState<unknown>();
  const [revoking, setRevoking] = useState<LicenseKey>();

  const create = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      setCreated(await postJson('/licenseKeys', { role, ...(label.trim() ? { label: label.trim() } : {}) }));
      setLabel('');
      keys.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div class="keys">
      <h2>License keys</h2>
      <ErrorBox error={keys.error} />
      {keys.data && (
        <table class="list" aria-label="License keys">
          <thead>
            <tr>
              <th class="t">Key id</th>
              <th class="t">Role</th>
              <th class="t">Label</th>
              <th class="t">Created</th>
              <th class="t">Status</th>
              <th class="t" />
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.credentialId} data-key={k.credentialId}>
                <td class="t">
                  <code>{k.credentialId}</code>
                  {k.credentialId === session.credentialId ? ' (this session)' : ''}
                </td>
                <td class="t">{ROLE_NAMES[k.role] ?? k.role}</td>
                <td class="t">{k.label ?? ''}</td>
                <td class="t">{utc(k.createdAt)}</td>
                <td class="t">{k.active ? 'in force' : `revoked ${utc(k.revokedAt)}`}</td>
                <td class="t">
                  {k.active && (
                    <button type="button" class="small danger" onClick={() => setRevoking(k)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {created && (
        <div class="secret" role="status" aria-label="New license key">
          <p>
            New {ROLE_NAMES[created.role]} key. <strong>Store it now: it is shown only here, once, and the ledger keeps only its hash.</strong>
          </p>
          <code class="key" data-key-secret>
            {created.licenseKey}
          </code>
          <p>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(created.licenseKey)}>
              Copy
            </button>{' '}
            <button type="button" onClick={() => setCreated(undefined)}>
              I have stored it
            </button>
          </p>
        </div>
      )}
      <form class="filters" onSubmit={create} aria-label="Create a license key">
        <label class="field">
          Role
          <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {(['api_user', 'system_filer', 'account_admin'] as Role[]).map((r) => (
              <option key={r} value={r}>
                {ROLE_NAMES[r]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          Label
          <input name="label" maxLength={100} value={label} placeholder="e.g. billing connector" onInput={(e) => setLabel(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          Create key
        </button>
      </form>
      <ErrorBox error={error} />
      {revoking && (
        <ConfirmDialog
          title={`Revoke key ${revoking.credentialId.slice(0, 8)}…?`}
          confirmLabel="Revoke"
          danger
          comment={{ label: 'Reason (recorded)' }}
          onClose={() => setRevoking(undefined)}
          onConfirm={async (reason) => {
            await remove(path('licenseKeys', revoking.credentialId) + query({ reason }));
            if (revoking.credentialId === session.credentialId) return signOut();
            keys.reload();
          }}
        >
          <p>
            {revoking.label ? `"${revoking.label}" ` : ''}({ROLE_NAMES[revoking.role]}) is refused from the next request on. This cannot be undone.
            {revoking.credentialId === session.credentialId ? ' It is the key of this session: you will be signed out.' : ''}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
