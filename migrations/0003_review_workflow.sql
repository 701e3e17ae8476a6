ALTER TABLE "tasks" ADD COLUMN "rejected_by" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "rejected_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "review_by" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_rejected_by_users_id_fk" FOREIGN KEY ("rejected_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_review_by_users_id_fk" FOREIGN KEY ("review_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;