import { TngRoutes } from '../auth/tng-routes';

/**
 * What every TNG calculations controller (one per use case) shares. Tax calculation records (seed "Group
 * Tax Calculation Records") are calculated and kept as versions, never filed; a calculation can be
 * turned into a tax transaction record.
 */
export const CalculationRoutes = () => TngRoutes('TNG calculations', 'calculations');
