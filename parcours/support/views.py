from django.http import Http404


def _stub(request, *a, **k):
    raise Http404


measure_list = measure_create = measure_detail = measure_action = kind_list = alert_list = _stub
alert_create = alert_detail = alert_action = workshop_list = workshop_detail = workshop_action = _stub
programme_list = programme_detail = programme_action = _stub
