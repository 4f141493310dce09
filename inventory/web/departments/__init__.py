"""The department view and the review of each finding."""
