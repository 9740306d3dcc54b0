-- Holds may be as short as 5 s (flash drops with fast checkouts; also lets tests exercise expiry).
ALTER TABLE "drops" DROP CONSTRAINT "drops_hold_seconds_check";
ALTER TABLE "drops" ADD CONSTRAINT "drops_hold_seconds_check" CHECK ("hold_seconds" BETWEEN 5 AND 3600);
