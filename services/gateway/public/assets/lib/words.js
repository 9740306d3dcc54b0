// API error codes -> sentences a buyer understands. Each entry: a sentence, or a function of the error body.
import { duration } from "./dom.js";
import { serverNow } from "./api.js";

const WORDS = {
  NETWORK: "We could not reach the shop. Check your connection and try again.",
  BAD_ANSWER: "The shop answered something we could not read. Please try again.",
  BAD_REQUEST: "That request was not accepted. Please check what you entered.",
  VALIDATION_FAILED: (b) => (b.field ? `Please check the ${String(b.field).replace(/^\/?(body\/)?/, "")} field.` : "Please check what you entered."),
  MALFORMED_JSON: "That request was garbled. Please try again.",
  BAD_URL: "That address is not valid.",
  INVALID_ID: "That link is not valid.",
  STARTS_IN_PAST: "The start time must be now or later.",
  UNAUTHORIZED: "Please log in first.",
  INVALID_TOKEN: "Your session is not valid any more. Please log in again.",
  TOKEN_EXPIRED: "Your session has expired. Please log in again.",
  INVALID_CREDENTIALS: "That email and password do not match.",
  FORBIDDEN: "You are not allowed to do that.",
  NOT_OWNER: "That belongs to another seller.",
  NOT_A_SELLER: "You need a seller account for that. Apply on the Sell page.",
  SELLER_NOT_APPROVED: "Your seller account is not approved yet.",
  OWN_DROP: "Sellers cannot buy in their own drops.",
  NOT_FOUND: "We could not find that.",
  USER_NOT_FOUND: "We could not find that account.",
  SELLER_NOT_FOUND: "You have not applied to sell yet.",
  PRODUCT_NOT_FOUND: "We could not find that product.",
  DROP_NOT_FOUND: "We could not find that drop.",
  ORDER_NOT_FOUND: "We could not find that order.",
  NOTIFICATION_NOT_FOUND: "We could not find that notification.",
  WATCH_NOT_FOUND: "You were not watching this drop.",
  DEAD_LETTER_NOT_FOUND: "That dead letter is gone.",
  DROP_NOT_LOADED: "This drop's stock is not loaded yet (it loads shortly before opening).",
  IMAGE_NOT_FOUND: "We could not find that image.",
  PAYLOAD_TOO_LARGE: "That file is too large.",
  UNSUPPORTED_MEDIA_TYPE: "Please choose a PNG, JPEG or WebP image.",
  RATE_LIMITED: "Too many tries. Please wait a moment.",
  SOLD_OUT: "Sold out.",
  LIMIT_REACHED: (b) => (typeof b.perBuyerLimit === "number" ? `Limit reached: at most ${b.perBuyerLimit} per buyer${typeof b.taken === "number" ? `, you have ${b.taken}` : ""}.` : "Limit reached."),
  NOT_OPEN: (b) => (b.startsAt && Date.parse(b.startsAt) > serverNow() ? `Not open yet: opens in ${duration(Date.parse(b.startsAt) - serverNow())}.` : "Not open yet."),
  PAUSED: "This drop is paused for now.",
  CLOSED: "This drop has ended.",
  PURCHASE_VOID: "That purchase attempt was voided. Please try again.",
  ORDER_PENDING: "The order is still being placed. Try again in a moment.",
  NOT_CANCELLABLE: "This order can no longer be cancelled.",
  NOT_RETRYABLE: "This cannot be retried.",
  EMAIL_TAKEN: "An account with that email already exists. Log in instead.",
  SELLER_EXISTS: "You have already applied to sell.",
  DROP_NOT_OPENED: "This drop has not opened yet.",
  DROP_ALREADY_LOADED: "This drop's stock is already loaded.",
  INSUFFICIENT_AVAILABLE: "Not that many units are free (sold and held units stay).",
  ADJUST_STALE: "The stock changed meanwhile. Please try again.",
  ADJUST_BUSY: "Another change is running. Please try again.",
  RESYNC_STALE: "The stock changed during the resync. Please try again.",
  RESYNC_BUSY: "A resync is already running.",
  TOO_MANY_IMAGES: "This product has as many images as it can have.",
  NOT_FOR_SALE: "This product is not on sale in carts.",
  CART_EMPTY: "Your cart is empty.",
  CART_FULL: "Your cart is full.",
  LINE_UNAVAILABLE: (b) => (typeof b.available === "number" && b.available > 0 ? `Only ${b.available} left of one of your items.` : "One of your items is sold out."),
  CHECKOUT_IN_PROGRESS: "Your checkout is already in progress.",
  IDEMPOTENCY_KEY_REUSED: "That request was already sent with other details.",
  ADMISSION_REQUIRED: "This drop has a waiting room: join the line first.",
  ADMISSION_INVALID: "Your admission is no longer valid. Join the line again.",
  INTERNAL: "Something went wrong on our side. Please try again.",
  UNAVAILABLE: "The shop is busy or partly down. Please try again in a moment.",
  RESYNC_RETRY: "The resync could not finish. Please try again.",
  NOT_READY: "The shop is starting up. Please try again in a moment.",
};

/** The sentence for an API error body `{code, message, ...}`. */
export function explain(body, status) {
  const w = body && WORDS[body.code];
  if (typeof w === "function") return w(body);
  if (typeof w === "string") return w;
  if (status === 404) return "We could not find that.";
  if (status >= 500) return WORDS.UNAVAILABLE;
  return "That did not work. Please try again.";
}
