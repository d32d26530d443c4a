"""What a `kam batch` run gathers besides its rows, each made only when the run asks for it
(and its module imported only then: start-up time counts in a pipeline)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamcli.batch.options import BatchOptions
    from kamcli.batch.reports import ReportWriter
    from kamcli.batch.save import BatchSaver
    from kamcli.batch.stats import StatsCollector
    from kamcli.batch.subjects import SubjectCollector, SubjectReportWriter
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.cohort import CohortStats
    from kamcli.scoring.plan import ScoringPlan


class Extras:
    """The cohort statistics, history saver, report writers, 360° collector and psychometric
    statistics of a run; None for each one it does not need."""

    def __init__(self, model: CompetencyModel, options: BatchOptions, plan: ScoringPlan) -> None:
        self.cohort: CohortStats | None = None
        if options.summary or options.summary_out is not None:
            from kamcli.scoring.cohort import CohortStats

            self.cohort = CohortStats(model, options.stage)
        self.saver: BatchSaver | None = None
        if options.save:
            from kamcli.batch.save import BatchSaver

            self.saver = BatchSaver(model, options.lang)
        self.reports: ReportWriter | None = None
        if options.report_dir is not None:
            from kamcli.batch.reports import ReportWriter

            self.reports = ReportWriter(
                model, options.report_dir, options.report_format, options.lang, options.font
            )
        self.subjects: SubjectCollector | None = None
        self.subject_writer: SubjectReportWriter | None = None
        if options.by_subject or options.by_subject_dir is not None:
            from kamcli.batch.subjects import SubjectCollector, SubjectReportWriter

            self.subjects = SubjectCollector(model)
            if options.by_subject_dir is not None:
                self.subject_writer = SubjectReportWriter(
                    model, options.by_subject_dir, options.report_format, options.lang, options.font
                )
        self.stats: StatsCollector | None = None
        if options.stats is not None:
            from kamcli.batch.stats import StatsCollector

            self.stats = StatsCollector(model, plan.item_ids, options.stats)
