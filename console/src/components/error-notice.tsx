import type { ReactNode } from 'react';
import type { ApiError } from '../api/api-error.js';
import { Link } from '../lib/router.js';

/**
 * Shows a refusal or failure with the server's own sentence. APPROVAL_REQUIRED (HTTP 428) is not a
 * failure: the request waits for approvers, so it is shown as such, with the request's id.
 */
export function ErrorNotice({ error }: { readonly error: ApiError | undefined }) {
  if (error === undefined) return null;
  if (error.code === 'APPROVAL_REQUIRED') {
    const id = error.approvalId;
    return (
      <div className="notice notice-approval" role="status" data-testid="approval-required">
        <strong>Approval required</strong>
        {id === undefined ? null : (
          <>
            {' '}
            — request <code data-testid="approval-id">{id}</code>
          </>
        )}
        <p>{error.message}</p>
        <p>
          <Link to="/approvals">Open the approvals inbox</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert" data-testid="error-notice">
      <strong>{titleOf(error)}</strong> <code className="error-code">{error.code}</code>
      <p>{error.message}</p>
    </div>
  );
}

function titleOf(error: ApiError): string {
  if (error.code === 'PERMISSION_DENIED') return 'Not permitted';
  if (error.status === 0) return 'No answer from the server';
  return error.status >= 500 ? 'Failed' : 'Refused';
}

/** A short confirmation that an action worked. */
export function SuccessNotice({ children }: { readonly children: ReactNode }) {
  return (
    <div className="notice notice-ok" role="status">
      {children}
    </div>
  );
}
