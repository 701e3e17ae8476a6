CREATE TABLE "agreement_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"project_id" text NOT NULL,
	"computed_at" timestamp (3) with time zone NOT NULL,
	"headline" double precision,
	"report" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agreement_reports" ADD CONSTRAINT "agreement_reports_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_reports" ADD CONSTRAINT "agreement_reports_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreement_reports_project_idx" ON "agreement_reports" USING btree ("project_id","computed_at");--> statement-breakpoint
CREATE INDEX "agreement_reports_task_idx" ON "agreement_reports" USING btree ("task_id","computed_at");