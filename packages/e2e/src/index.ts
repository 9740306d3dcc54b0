export { startStack, runScript, portVar, SERVICES, JWT_SECRET, INTERNAL_AUTH_SECRET, ROOT, type Stack, type StackOptions, type Infra, type Instance, type ServiceName } from "./stack.ts";
export {
  api, mintBuyer, setUpSeller, createProduct, setUpDrop, purchase, setCartLine, checkout, availableOf, sleepUntil,
  type Api, type Reply, type SellerSetup, type DropSetup, type PurchaseReply, type CheckoutReply,
} from "./api.ts";
export { FINAL_STATUSES, ORDER_CRASH_ENV, orderStatus, waitAllFinal, killOrderServiceMidSaga, settledStock, type PlacedOrder, type AdminStock } from "./saga.ts";
export { acceptedOf, attempt, expectAllConfirmed, faultBuyers, FAULT_ENV, FAULT_UNITS, openFaultDrop, startDrillStack, statusCounts, wave, waveDrill, type Attempt, type FaultBuyer, type Outcome } from "./faults.ts";
export { portOpen, startScratchInfra, type ScratchInfra, type ScratchOptions } from "./scratch-infra.ts";
export { BALANCED_ENV, haproxyBinary, startBalancedStack, type Balancer, type BalancedStack } from "./balancer.ts";
