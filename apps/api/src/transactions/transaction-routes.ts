import { TngRoutes } from '../auth/tng-routes';

/**
 * What every TNG transactions controller (one per use case) shares: its class decorator (routes under
 * /transactions, TNG authentication, OpenAPI headers). The key a path names: common/route-params.ts.
 */
export const TransactionRoutes = () => TngRoutes('TNG transactions', 'transactions');
