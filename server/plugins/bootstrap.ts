import fp from 'fastify-plugin';
import { countUsers, createUser } from '../accounts/accounts.ts';
import { generatePassword } from '../accounts/secrets.ts';
import { seedDemo } from '../demo/seed.ts';

/**
 * First start on an empty database: create an admin with a generated password (no default
 * password exists in the code) and, unless DEMO=off, the demo project; print how to sign in.
 * Later starts do nothing. Several instances starting at once against one Postgres may race
 * here; the unique username makes all but one fail the insert, and those skip the demo.
 */
export default fp(
  async (fastify) => {
    const db = fastify.database.db;
    if ((await countUsers(db)) > 0) return;
    const password = generatePassword();
    let admin;
    try {
      admin = await createUser(db, { username: 'admin', displayName: 'Administrator', password, isAdmin: true }, null);
    } catch (err) {
      fastify.log.info({ err }, 'first-start admin already created by another instance');
      return;
    }
    const lines = ['First start: created the administrator account.', `  admin / ${password}`];
    if (fastify.config.demo) {
      const demo = await seedDemo(db, { dataDir: fastify.config.dataDir, ownerId: admin.id });
      lines.push(`Created the demo project "${demo.projectName}" with annotator accounts:`, ...demo.credentials);
    }
    lines.push(
      'Sign in at the address below. These passwords are shown only now; reset with `npm run concord -- user password <name>`.',
    );
    fastify.log.warn({ username: 'admin' }, 'first start: administrator account created (password printed once)');
    // Printed, not logged: log pipelines should not collect passwords.
    process.stdout.write(`\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
  },
  { name: 'bootstrap', dependencies: ['database'] },
);
