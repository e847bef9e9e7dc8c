-- Every table holding a recipient's data is kept to the transaction's scope (the platform's row-level security,
-- platform migration 008), and the service's runtime role gets its rights on the tables. A later migration that
-- creates such a table calls this again.
SELECT platform_secure_recipient_tables();
