/** The signed-in user, as reactive state shared by the whole app. */
import { auth, isApiError, type User } from '../api/index.ts';

class Session {
  /** The signed-in user; null before the probe answers or when signed out. */
  user = $state<User | null>(null);
  /** True once the first `GET /api/auth/me` has answered (either way). */
  checked = $state(false);
  /** A failure other than "not signed in" (server down): shown instead of the app. */
  error = $state<string | null>(null);

  /** Asks the server who we are; false when not signed in. */
  async load(): Promise<boolean> {
    try {
      this.user = await auth.me({ authRedirect: false });
      this.error = null;
      return true;
    } catch (error) {
      this.user = null;
      if (!isApiError(error, 'unauthenticated')) {
        this.error = error instanceof Error ? error.message : String(error);
      }
      return false;
    } finally {
      this.checked = true;
    }
  }

  async signIn(username: string, password: string): Promise<User> {
    const user = await auth.signIn(username, password);
    this.user = user;
    this.error = null;
    this.checked = true;
    return user;
  }

  async signOut(): Promise<void> {
    try {
      await auth.signOut();
    } finally {
      this.user = null;
    }
  }
}

export const session = new Session();
