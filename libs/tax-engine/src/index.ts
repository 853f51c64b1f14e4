export * from './tax-document';
export * from './engine.types';
export {
  calculateTax,
  backOutTaxIncluded,
  DESTINATION_ORDER,
  ORIGIN_ORDER,
  ENTITY_USE_DESCRIPTIONS,
  EXEMPTION_NO_NEXUS,
  EXEMPTION_TAX_PAYER_CODE,
  entityUseExemptionReason,
  exemptionCategoryOf,
  jurisdictionsForAddress,
  certificateExemptionReason,
  nonTaxableReason,
  EXEMPTION_TRANSFER,
  EXEMPTION_REVERSE_CHARGE,
  RETURN_DOCUMENT_TYPES,
  BUYER_TAX_ID_KEYS,
  DEFAULT_TAX_CODE,
  zip5,
  isCalendarDate,
} from './engine';
export { TaxCalculationError } from './errors';
export { withCompanyLocations } from './company-locations';
export { US_STATES, US_STATE_CODES_50_DC, resolveUsState, normaliseCountry, type UsStateInfo } from './geo';
export { MAX_AMOUNT, minorUnits } from './money';
export {
  loadDefaultContent,
  buildContent,
  buildContentFromBundle,
  defaultBundle,
  contentVersionOf,
} from './content/load-content';
export {
  type ContentBundle,
  type UsLocalFile,
  type TaxabilityFile,
  type VatFile,
  type UsStateRatesFile,
  type UsSourcingFile,
} from './content/content-files';
export {
  stateRateEntries,
  sourcingRules,
} from './content/us-content';
export {
  FOOD_TAX_CODE,
  MEDICINE_TAX_CODE,
} from './content/vat-content';
export { importZipRateCsv, ZIP_RATE_COLUMNS } from './import/zip-rate-csv';
export { importSstFiles, SST_BOUNDARY_COLUMNS, SST_RATE_COLUMNS, SST_JURISDICTION_LEVELS } from './import/sst';
export type { ImportResult, ImportRowError, ImportSummary } from './import/import-common';
export { isIsoDate } from './import/import-common';
export { contentOf, type StoredContentVersion } from './store/stored-content-version';
// Content versions on disk (the library's one I/O module) are a separate entry, kept out of this pure
// barrel: `@tax-ledger/tax-engine/file-content-store`.
