import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsController } from './accounts/provision-account/provision-account.controller';
import { AddressesController } from './addresses/addresses.controller';

import { CreateTransactionFromCalculationHandler } from './calculations/create-transaction-from-calculation/create-transaction-from-calculation.command';
import { RecordCalculationHandler } from './calculations/record-calculation/record-calculation.command';

import { TaxCalculationRepository } from './document-write/tax-calculation.repository';
import { IssueLicenseKeyHandler, RevokeLicenseKeyHandler, RotateLicenseKeyHandler } from './accounts/license-keys/license-keys.commands';
import { ProvisionAccountHandler } from './accounts/provision-account/provision-account.command';
import { LicenseKeysController } from './accounts/license-keys/license-keys.controller';
import { USER_COMMAND_HANDLERS } from './accounts/users/users.commands';
import { UsersController } from './accounts/users/users.controller';
import { WhoAmIController } from './accounts/whoami/whoami.controller';
import { ConsoleStatic } from './console/console-static';
import { AccountAuthGuard } from './auth/account-auth.guard';
import { CredentialVerifier } from './auth/credential-verifier';
import { AVATAX_V2_COMMAND_HANDLERS } from './avatax-v2/avatax-v2.commands';
import { ChangeV2TransactionController } from './avatax-v2/transactions/change-v2-transaction.controller';
import { GetV2TransactionController } from './avatax-v2/transactions/get-v2-transaction.controller';
import { ListV2TransactionsController } from './avatax-v2/transactions/list-v2-transactions.controller';
import { RecordV2TransactionController } from './avatax-v2/transactions/record-v2-transaction.controller';
import { RefundV2TransactionController } from './avatax-v2/transactions/refund-v2-transaction.controller';
import { V2Transactions } from './avatax-v2/transactions/v2-transactions';
import { ChangeMultiDocumentController } from './avatax-v2/multidocument/change-multi-document/change-multi-document.controller';
import { CreateMultiDocumentController } from './avatax-v2/multidocument/create-multi-document/create-multi-document.controller';
import { GetMultiDocumentController } from './avatax-v2/multidocument/get-multi-document/get-multi-document.controller';
import { MultiDocuments } from './avatax-v2/multidocument/multi-documents';
import { RecordMultiDocumentHandler } from './avatax-v2/multidocument/record-multi-document.command';
import { RefundMultiDocumentController } from './avatax-v2/multidocument/refund-multi-document/refund-multi-document.controller';
import { AvataxV2UtilitiesController } from './avatax-v2/avatax-v2-utilities.controller';
import { AvataxV2SetupController } from './avatax-v2/avatax-v2-setup.controller';
import { CompaniesController } from './onboarding/companies/companies.controller';
import { ChangeCompanyHandler, CreateCompanyHandler } from './onboarding/company.commands';
import { CompanyQueries } from './onboarding/company.queries';
import { NexusController, NexusV2Controller } from './onboarding/nexus/nexus.controller';
import { TaxSetupController } from './onboarding/tax-setup/tax-setup.controller';
import { PartnerAuthGuard } from './auth/partner-auth.guard';
import { TngAuthGuard } from './auth/tng-auth.guard';
import { COMPANY_SETUP, ReadModelCompanySetup } from './company-setup/company-setup';
import { AvataxV2ConnectController } from './avatax-v2/avatax-v2-connect.controller';
import { AvataxV2CertificatesController } from './avatax-v2/avatax-v2-certificates.controller';
import { AvataxV2CustomersController } from './avatax-v2/avatax-v2-customers.controller';
import { CUSTOMER_COMMAND_HANDLERS } from './avatax-v2/customer.commands';
import { AvataxV2UnsupportedController } from './avatax-v2/avatax-v2-unsupported.controller';
import { BATCH_CONTROLLERS, BATCH_PROVIDERS } from './avatax-v2/batches/batches.module-parts';
import { ErrorResponseFilter } from './common/error-response.filter';
import { LEDGER_CONFIG, type LedgerConfig } from './config';
import { HealthController } from './health/health.controller';
import { DocumentHistoryService } from './history/document-history.service';
import { StorageModule } from './storage/storage.module';
import { ChangeTransactionStateHandler } from './transactions/change-transaction-state/change-transaction-state.command';
import { RecordTransactionHandler } from './transactions/record-transaction/record-transaction.command';

import { TaxTransactionRepository } from './document-write/tax-transaction.repository';
import { Idempotency } from './common/idempotency';
import { RequestSchemas } from './common/request-schema';

import { PeriodLock } from './document-write/period-lock';
import { RecordDocumentVersion } from './document-write/record-document-version';

import { CalculationHistoryController } from './calculations/calculation-history/calculation-history.controller';
import { CreateTransactionFromCalculationController } from './calculations/create-transaction-from-calculation/create-transaction-from-calculation.controller';
import { GetCalculationController } from './calculations/get-calculation/get-calculation.controller';
import { GetCalculationHandler } from './calculations/get-calculation/get-calculation.query';
import { ListCalculationsController } from './calculations/list-calculations/list-calculations.controller';
import { ListCalculationsHandler } from './calculations/list-calculations/list-calculations.query';
import { RecordCalculationController } from './calculations/record-calculation/record-calculation.controller';
import { ChangeTransactionStateController } from './transactions/change-transaction-state/change-transaction-state.controller';
import { GET_TRANSACTION_HANDLERS } from './transactions/get-transaction/get-transaction.query';
import { GetTransactionController } from './transactions/get-transaction/get-transaction.controller';
import { ListTransactionsController } from './transactions/list-transactions/list-transactions.controller';
import { ListTransactionsHandler } from './transactions/list-transactions/list-transactions.query';
import { RecordTransactionController } from './transactions/record-transaction/record-transaction.controller';
import { RenameTransactionHandler } from './transactions/rename-transaction/rename-transaction.command';
import { TransactionHistoryController } from './transactions/transaction-history/transaction-history.controller';
import { GetPeriodController } from './periods/get-period/get-period.controller';
import { PeriodRunner } from './periods/run-period/period-runner';
import { RunPeriodController } from './periods/run-period/run-period.controller';
import { LiabilityReportController } from './reports/liability-report/liability-report.controller';
import { ReconciliationReportController } from './reports/reconciliation-report/reconciliation-report.controller';

@Module({})
export class AppModule {
  static forConfig(config: LedgerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        { module: ConfigModule, global: true, providers: [{ provide: LEDGER_CONFIG, useValue: config }], exports: [LEDGER_CONFIG] },
        CqrsModule.forRoot(),
        StorageModule,
      ],
      // One controller per use case (the route, its DTO and handler sit in the use case's folder), by area.
      controllers: [HealthController, AccountsController,
        RecordTransactionController, ChangeTransactionStateController, GetTransactionController, ListTransactionsController, TransactionHistoryController,
        LicenseKeysController, UsersController, WhoAmIController, CompaniesController, NexusController, NexusV2Controller, TaxSetupController,
        AddressesController,
        RecordCalculationController, CreateTransactionFromCalculationController, GetCalculationController, ListCalculationsController, CalculationHistoryController,
        GetPeriodController, RunPeriodController,
        LiabilityReportController, ReconciliationReportController,
        RecordV2TransactionController, ChangeV2TransactionController, RefundV2TransactionController, GetV2TransactionController, ListV2TransactionsController,
        CreateMultiDocumentController, ChangeMultiDocumentController, RefundMultiDocumentController, GetMultiDocumentController,
        AvataxV2UtilitiesController, AvataxV2SetupController, AvataxV2CustomersController, AvataxV2CertificatesController, AvataxV2ConnectController,
        ...BATCH_CONTROLLERS,
        // Last: the /api/v2 requests no other route serves (501 naming the AvaTax operation).
        AvataxV2UnsupportedController],
      providers: [
        { provide: APP_FILTER, useClass: ErrorResponseFilter },
        { provide: COMPANY_SETUP, useClass: ReadModelCompanySetup },
        TngAuthGuard,
        PartnerAuthGuard,
        TaxTransactionRepository,
        Idempotency,
        RequestSchemas,
        RecordTransactionHandler,
        ChangeTransactionStateHandler,
        RenameTransactionHandler,
        ProvisionAccountHandler,
        IssueLicenseKeyHandler,
        CredentialVerifier, AccountAuthGuard, CompanyQueries,
        ...AVATAX_V2_COMMAND_HANDLERS,
        V2Transactions,
        MultiDocuments, RecordMultiDocumentHandler,
        ...CUSTOMER_COMMAND_HANDLERS,
        ...BATCH_PROVIDERS,
        RevokeLicenseKeyHandler, RotateLicenseKeyHandler, ...USER_COMMAND_HANDLERS, CreateCompanyHandler, ChangeCompanyHandler,
        ...GET_TRANSACTION_HANDLERS,
        ListTransactionsHandler,
        TaxCalculationRepository,
        RecordCalculationHandler,
        CreateTransactionFromCalculationHandler,
        GetCalculationHandler,
        ListCalculationsHandler,
        DocumentHistoryService,
        PeriodLock,
        RecordDocumentVersion,
        PeriodRunner,
        ConsoleStatic,
      ],
    };
  }
}

@Module({})
class ConfigModule {}
