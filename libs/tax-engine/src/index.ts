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
} from './engine';
export { TaxCalculationError } from './errors';
export { US_STATES, US_STATE_CODES_50_DC, resolveUsState, normaliseCountry, type UsStateInfo } from './geo';
export { minorUnits } from './money';
export {
  loadDefaultContent,
  buildContent,
  buildContentFromBundle,
  defaultBundle,
  FOOD_TAX_CODE,
  MEDICINE_TAX_CODE,
  type ContentBundle,
  type UsLocalFile,
  type TaxabilityFile,
  type VatFile,
  contentVersionOf,
  stateRateEntries,
  sourcingRules,
  type UsStateRatesFile,
  type UsSourcingFile,
} from './content/load-content';
