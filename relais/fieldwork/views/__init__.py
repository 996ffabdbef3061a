"""Views of field work: the phone screens, the workshop sign-in sheet, and the lists with their exports."""
