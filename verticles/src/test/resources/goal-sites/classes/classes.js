const CLASSES = [
  {id: 'sw-thu', name: 'Swimming – Thursday 18:00', text: 'Lengths and technique for adults, lane 3.'},
  {id: 'yo-tue', name: 'Yoga – Tuesday 19:00', text: 'Gentle yoga in studio B.'},
  {id: 'sw-tue', name: 'Swimming – Tuesday 18:00', text: 'Lengths and technique for adults, lane 2.'},
  {id: 'aq-mon', name: 'Aqua fit – Monday 10:00', text: 'Water aerobics for everyone.'},
  {id: 'sw-sat', name: 'Swimming for children – Saturday 09:00', text: 'Ages 6 to 10.'},
];
function param(k) { return new URLSearchParams(location.search).get(k) || ''; }
