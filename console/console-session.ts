import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The session cookie's name. */
export const SESSION_COOKIE = 'leadctl_console';

/** 32 random bytes, URL-safe: a one-time token, a session id or a CSRF token. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares secrets in constant time, so a wrong guess learns nothing from how long it took. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may use the console. The URL leadctl prints carries a one-time token; its first visit
 * trades it for a session (an HttpOnly, SameSite=Strict cookie), so the token in the terminal
 * or the browser's history is worthless afterwards. Each session has its own CSRF token, put in
 * every form as a hidden field. Sessions live as long as the process.
 */
export class ConsoleSessions {
  private oneTimeToken: string | undefined = randomToken();
  /** Session id → its CSRF token. */
  private readonly sessions = new Map<string, string>();
  /** Session id → what its last action did, for the page it was redirected to. */
  private readonly notices = new Map<string, Notice>();

  /** The token for the printed URL; undefined once used. */
  get token(): string | undefined {
    return this.oneTimeToken;
  }

  /** A new session for the right one-time token (used up by this call), else undefined. */
  exchange(token: string): string | undefined {
    if (this.oneTimeToken === undefined || !sameSecret(token, this.oneTimeToken)) return undefined;
    this.oneTimeToken = undefined;
    const sessionId = randomToken();
    this.sessions.set(sessionId, randomToken());
    return sessionId;
  }

  /** The session the Cookie header names (its id and CSRF token), else undefined (no or unknown session). */
  sessionOf(cookieHeader: string | undefined): { readonly id: string; readonly csrf: string } | undefined {
    const sessionId = cookieValue(cookieHeader, SESSION_COOKIE);
    if (sessionId === undefined) return undefined;
    for (const [known, csrf] of this.sessions) if (sameSecret(sessionId, known)) return { id: known, csrf };
    return undefined;
  }

  /** Keeps what an action did, to show once on the page it redirects to (POST-redirect-GET). */
  leaveNotice(sessionId: string, notice: Notice): void {
    this.notices.set(sessionId, notice);
  }

  /**
   * The notice left for this page, once: the session's next page view takes it, and shows it
   * only if it is the page the action redirected to (another tab's view does not).
   */
  takeNotice(sessionId: string, location: string): string | undefined {
    const notice = this.notices.get(sessionId);
    this.notices.delete(sessionId);
    return notice?.location === location ? notice.text : undefined;
  }
}

/** What an action did, for the page its redirect names. */
export interface Notice {
  readonly location: string;
  readonly text: string;
}

/** The Set-Cookie value for a session: never readable by a script, never sent from another site. */
export function sessionCookie(sessionId: string): string {
  return `${SESSION_COOKIE}=${sessionId}; HttpOnly; SameSite=Strict; Path=/`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
