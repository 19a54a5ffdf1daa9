from django import forms

from todo.models import Todo

TITLE_REQUIRED = "Please enter a title."
TITLE_TOO_LONG = "Titles can be at most %(limit_value)d characters (this one has %(show_value)d)."


class TodoForm(forms.ModelForm):
    # The server is the single source of truth for validation: without the
    # HTML "required" attribute an empty submit reaches it and the message
    # below is shown inline.
    use_required_attribute = False

    class Meta:
        model = Todo
        fields = ["title"]
        error_messages = {
            "title": {"required": TITLE_REQUIRED, "max_length": TITLE_TOO_LONG},
        }
