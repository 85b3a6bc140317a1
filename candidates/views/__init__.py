"""HR's candidate pages under /hr/: the list, the candidate file and the interview page."""

from .pages import candidate_file, candidate_list, interview_page

__all__ = ["candidate_file", "candidate_list", "interview_page"]
