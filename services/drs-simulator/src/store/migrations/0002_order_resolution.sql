-- Up Migration
-- The Order Resolution Flow (DRS-SNS-SPEC 1.3.1): an order can wait for the customer to fix a problem
-- before OrderPlaced goes out, and is cancelled when that does not happen in time.

ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
  CHECK (status IN ('resolving', 'placed', 'shipped', 'delivered', 'cancelled'));
-- When OrderPlaced went out (the 24 h cancellation window starts there); null while resolving.
ALTER TABLE orders ADD COLUMN confirmed_at timestamptz;
UPDATE orders SET confirmed_at = placed_at;
-- When an order still resolving is cancelled.
ALTER TABLE orders ADD COLUMN resolve_by timestamptz;

DROP INDEX orders_one_open_per_slot;
CREATE UNIQUE INDEX orders_one_open_per_slot ON orders (registration_id, slot_id)
  WHERE status IN ('resolving', 'placed', 'shipped');
DROP INDEX orders_due;
CREATE INDEX orders_due ON orders (status, ship_at, estimated_delivery_at, resolve_by)
  WHERE status IN ('resolving', 'placed', 'shipped');

-- Down Migration
DROP INDEX orders_due;
CREATE INDEX orders_due ON orders (status, ship_at, estimated_delivery_at) WHERE status IN ('placed', 'shipped');
DROP INDEX orders_one_open_per_slot;
UPDATE orders SET status = 'cancelled', cancelled_at = now() WHERE status = 'resolving';
CREATE UNIQUE INDEX orders_one_open_per_slot ON orders (registration_id, slot_id)
  WHERE status IN ('placed', 'shipped');
ALTER TABLE orders DROP COLUMN resolve_by;
ALTER TABLE orders DROP COLUMN confirmed_at;
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
  CHECK (status IN ('placed', 'shipped', 'delivered', 'cancelled'));
