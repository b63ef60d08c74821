import type { ProbeReport } from '../api/types.js';

/** What the vault's storage really enforces, check by check (the preflight of vault creation, doctor). */
export function PreflightReport({ report }: { readonly report: ProbeReport }) {
  const failed = report.checks.filter((c) => !c.ok).length;
  return (
    <div className="preflight" data-testid="preflight">
      <p>
        Preflight of <code>{report.location}</code>:{' '}
        {failed === 0 ? 'every check passed.' : `${failed} of ${report.checks.length} checks failed.`}
      </p>
      <ul className="checks">
        {report.checks.map((check) => (
          <li key={check.name} className={check.ok ? 'check-ok' : 'check-bad'}>
            <span className="check-mark" aria-hidden="true">
              {check.ok ? '✓' : '✗'}
            </span>
            <span className="sr-only">{check.ok ? 'Passed: ' : 'Failed: '}</span>
            <strong>{check.name}</strong> — {check.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
